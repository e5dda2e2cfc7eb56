"""The floor supervisor's own link to a placement: a monthly pulse, absences, incidents, questions
and visit times, without an account."""
