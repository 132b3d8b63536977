from fastapi import APIRouter, Depends
from sqlmodel import Session

from app.core.config import settings
from app.crud import ItemRepository
from app.db import get_session
from app.models import ItemCreate, ItemPublic

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/", response_model=list[ItemPublic])
def list_items(session: Session = Depends(get_session)):
    return ItemRepository(session).list(settings.page_size)


@router.post("/", response_model=ItemPublic)
def create_item(data: ItemCreate, session: Session = Depends(get_session)):
    return ItemRepository(session).create(data)
