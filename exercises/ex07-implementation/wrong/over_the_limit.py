"""Everything at the maximum: management cannot give every factor full attention; a plan
over the limits scores 0."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("put every factor at the maximum: over the limits"),
    "zh": ("把每个因素都设为最大：超出了限制"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": """rollout_plan = {"top_management_support": 1.0, "process_redesign": 1.0,
                "data_quality": 1.0, "frontline_willingness": 1.0,
                "training_hours_per_user": 40.0}"""}
