"""An organisation's own settings (retention, default language) and its teams."""
