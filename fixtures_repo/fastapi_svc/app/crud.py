from sqlmodel import Session, select

from app.models import Item, ItemCreate


class ItemRepository:
    def __init__(self, session: Session | None = None) -> None:
        self.session = session

    def create(self, data: ItemCreate) -> Item:
        item = Item.model_validate(data)
        assert self.session is not None
        self.session.add(item)
        self.session.commit()
        return item

    def list(self, limit: int) -> list[Item]:
        assert self.session is not None
        return list(self.session.exec(select(Item).limit(limit)))
