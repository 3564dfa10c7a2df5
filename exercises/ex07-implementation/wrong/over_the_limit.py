"""Everything at the maximum: management cannot give every factor full attention; a plan
over the limits scores 0."""

LOSES = ["q4"]
CELLS = {"q4-answer": """rollout_plan = {"top_management_support": 1.0, "process_redesign": 1.0,
                "data_quality": 1.0, "frontline_willingness": 1.0,
                "training_hours_per_user": 40.0}"""}
