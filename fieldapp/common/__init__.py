"""Small helpers shared by every feature: time, tenancy, security headers, mail, errors."""
