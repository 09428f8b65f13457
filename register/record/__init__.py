"""An officer's record, read from officers, accreditations and kit (above the three, as leaving.py is): its use
case, schemas and route."""
