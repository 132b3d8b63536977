# -*- coding: cp1252 -*-
PRICE = "€ 5"
