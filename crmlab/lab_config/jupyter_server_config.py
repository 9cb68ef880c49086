"""Jupyter server configuration of the course's JupyterLab (``crmlab-lab``; see crmlab/lab.py).

``crmlab-lab`` adds this folder to ``JUPYTER_CONFIG_PATH`` for the server it starts.  Jupyter gives
that variable's folders priority over the user's own (``jupyter --config-dir``), so the dictionaries
below are updated, not replaced: what a teacher's own configuration puts in them is kept.  An option
on the command line (``crmlab-lab --LabApp.custom_css=False``) still wins.  Nothing here needs the network.
"""

from pathlib import Path

from jupyter_core.paths import jupyter_config_dir

c = get_config()  # noqa: F821 - defined by traitlets for the configuration files it loads
HERE = Path(__file__).resolve().parent

# JupyterLab's custom CSS (custom/custom.css): its font lists end with the course font, so menus and
# notebooks show Chinese on a computer without a Chinese system font.
c.LabApp.custom_css = True

# The server answers /custom/... from the course's folder, then from the course font's folder
# (custom.css loads CRMLabSansSC-Regular.ttf from there), then from the user's own custom folder.
CUSTOM = [str(HERE / "custom"), str(HERE.parent / "fonts"), str(Path(jupyter_config_dir()) / "custom")]
c.ServerApp.tornado_settings.update({"static_custom_path": CUSTOM})

# notebook_shim only runs classic Notebook 6 server extensions (the course has none).  At every start
# it reads every attribute of the server, the deprecated ServerApp.token among them, and Voila's
# server extension makes traitlets' deprecation warnings visible: a DeprecationWarning at every start.
c.ServerApp.jpserver_extensions.update({"notebook_shim": False})
