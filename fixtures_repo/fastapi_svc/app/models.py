from sqlmodel import Field, SQLModel


class ItemBase(SQLModel):
    title: str = Field(max_length=200)
    price_cents: int = Field(default=0, ge=0)


class Item(ItemBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ItemCreate(ItemBase):
    pass


class ItemPublic(ItemBase):
    id: int
