"""The support staff's inbox: ticket pages and the staff API, replies to visitors (by the ticket
endpoint and by mail), and resolving a ticket by linking it to an FAQ, proposing a new FAQ or
dismissing it."""
