"""The built-in lessons, one TOML file each (``--lesson NAME``)."""
