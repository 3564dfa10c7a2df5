"""Takes the customer who spent least for the skinny dog (revenue, not profit).

A small spender with one cheap contact and no service calls still earns the firm money; a
customer who needed many campaign contacts and calls can lose money on a larger spend. Fat
cows and skinny dogs are told apart by profit, which needs the costs each customer caused."""

LOSES = ["q4"]
CELLS = {"q4-answer": '''_revenue = tx.groupby("customer_id")["amount"].sum()
skinny_dog = min(data.options("q4"), key=lambda label: _revenue[int(label.split()[1])])
'''}
