"""Takes the customer who spent least for the skinny dog (revenue, not profit).

A small spender with one cheap contact and no service calls still earns the firm money; a
customer who needed many campaign contacts and calls can lose money on a larger spend. Fat
cows and skinny dogs are told apart by profit, which needs the costs each customer caused."""

#: what the student's feedback says when an answer equals this mistake's (never the value)
FEEDBACK = {
    "en": ("took the customer who spent least (revenue), not the one the firm loses money on"
             " (profit)"),
    "zh": ("选了花钱最少的客户（收入），而不是让企业亏钱的客户（利润）"),
}

LOSES = ["q4"]
CELLS = {"q4-answer": '''_revenue = tx.groupby("customer_id")["amount"].sum()
skinny_dog = min(data.options("q4"), key=lambda label: _revenue[int(label.split()[1])])
'''}
