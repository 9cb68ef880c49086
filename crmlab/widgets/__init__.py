"""Interactive views (ipywidgets) for the lessons.

Every view follows :class:`crmlab.widgets._base.View`: the update logic is a plain
method (``update``) that tests call without a browser, and errors are shown as a
Chinese message, never as a traceback.
"""

from crmlab.widgets._base import View, captured_outputs, fixed_figure, friendly_message, show_in
from crmlab.widgets._png import encode_png, figure_png, inline_png

__all__ = ["View", "captured_outputs", "encode_png", "figure_png", "fixed_figure", "friendly_message", "inline_png", "show_in"]
