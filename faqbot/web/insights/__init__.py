"""What the admin watches: analytics of questions and outcomes, the precision-coverage curve and
threshold overrides, and the server-rendered charts for both."""
