from __future__ import annotations

import enum
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypedDict


class Shape(ABC):
    @abstractmethod
    def area(self) -> float: ...

    def describe(self) -> str:
        return f"{type(self).__name__} of area {self.area():.2f}"


class Circle(Shape):
    def __init__(self, radius: float) -> None:
        self.radius = radius

    def area(self) -> float:
        return math.pi * self.radius**2


class Polygon(Shape):
    """Still abstract: area() is not implemented."""

    def __init__(self, sides: int) -> None:
        self.sides = sides


class Drawable(Protocol):
    def draw(self, scale: float = 1.0) -> str: ...


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Priority(enum.IntEnum):
    LOW = 1
    HIGH = 2


@dataclass
class Point:
    x: float
    y: float = 0.0

    def moved(self, dx: float, dy: float) -> Point:
        return Point(self.x + dx, self.y + dy)


class Pair(NamedTuple):
    left: int
    right: int = 0


class Options(TypedDict, total=False):
    verbose: bool


class ZooError(Exception):
    pass
