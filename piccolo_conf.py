"""Piccolo's own configuration, for its CLI and migrations; the app builds its engine itself."""

from piccolo.conf.apps import AppRegistry

from store.apps import PICCOLO_APPS
from store.kit.db import build_engine
from store.kit.settings import load_settings

DB = build_engine(load_settings(), pooled=False)

APP_REGISTRY = AppRegistry(apps=list(PICCOLO_APPS))
