"""The first stage: read a visit or configuration file and turn it into checked, typed data.

loader (YAML text -> positioned plain data, safely) -> schema, fields, datefields (the
field types) -> spec (what a visit may say) -> model (load_visit: the typed Visit of
records, with cross-field checks and photos) ; config (the configuration and its
environment variables). Nothing here imports a later stage.
"""
