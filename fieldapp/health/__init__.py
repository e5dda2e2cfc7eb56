"""``/healthz`` for a load balancer and monitoring, and the scheduler's heartbeat it reads."""
