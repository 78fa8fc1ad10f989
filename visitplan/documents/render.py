"""The Jinja2 environments: the user's templates folder first, then the built-ins.

Built-ins are also reachable as `builtin/<name>`, so a user's template can extend the file
it replaces and override a single block.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from visitplan.documents.resources import templates_dir


def _loader(user_dir: Path | None) -> jinja2.BaseLoader:
    builtin = jinja2.FileSystemLoader(str(templates_dir()))
    loaders = []
    if user_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(user_dir)))
    loaders.append(builtin)
    return _Chain(loaders, builtin)


class _Chain(jinja2.ChoiceLoader):
    """ChoiceLoader with a `builtin/` prefix that always reaches the built-in templates."""

    def __init__(self, loaders, builtin):
        super().__init__(loaders)
        self.builtin = builtin

    def load(self, environment, name, globals=None):
        if name.startswith("builtin/"):   # ChoiceLoader.load would ask the loaders directly
            return jinja2.BaseLoader.load(self, environment, name, globals)
        return super().load(environment, name, globals)

    def get_source(self, environment, template):
        if template.startswith("builtin/"):
            return self.builtin.get_source(environment, template[len("builtin/"):])
        return super().get_source(environment, template)

    def list_templates(self):
        return sorted(set(super().list_templates()))


def plain_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """For text that is not HTML: the new visit file, plain-text mail bodies."""
    return jinja2.Environment(loader=_loader(user_dir), undefined=jinja2.StrictUndefined,
                              autoescape=False, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def html_environment(user_dir: Path | None = None) -> jinja2.Environment:
    """For HTML (documents, the welcome screen, mail): autoescaping always on."""
    return jinja2.Environment(loader=_loader(user_dir), undefined=jinja2.StrictUndefined,
                              autoescape=True, trim_blocks=True, lstrip_blocks=True)
