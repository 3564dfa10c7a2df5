"""Putting all attention on technology-side data quality and nothing on redesign or
willingness ("the system will fix it"): within the limits, but no better than the default."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("put all attention on data quality and none on redesign or willingness"),
    "zh": ("把全部注意力放在数据质量上，完全不顾流程再造和意愿"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": """rollout_plan = {"top_management_support": 0.4, "process_redesign": 0.0,
                "data_quality": 1.0, "frontline_willingness": 0.0,
                "training_hours_per_user": 0.0}"""}
