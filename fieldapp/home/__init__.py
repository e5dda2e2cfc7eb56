"""The signed-in home screen."""
