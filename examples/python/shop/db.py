"""Data access for the shop: a query built from a parameter."""
import sqlite3

connection = sqlite3.connect("shop.db")


def find_items(name):
    query = "SELECT id, name, price FROM items WHERE name = '" + name + "'"
    return connection.execute(query).fetchall()
