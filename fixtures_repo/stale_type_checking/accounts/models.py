from dataclasses import dataclass


@dataclass
class User:  # was UserRecord
    id: int
    email: str
