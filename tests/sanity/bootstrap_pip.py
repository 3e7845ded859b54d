"""Stand-in for the pip bootstrap script ansible-test downloads from its own CI host.

That host is out of reach here; this does the same job from what is reachable: pip from the
standard library's ensurepip, then the packages ansible-test asks for from the package index.
`make sanity` puts it where ansible-test looks for its cached copy.
"""

import ensurepip
import os
import subprocess
import sys

# Options of the original script that pip itself does not know.
BOOTSTRAP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}

# ensurepip points PIP_CONFIG_FILE at /dev/null for its own run; the install after it must see
# the machine's pip configuration (index, certificates) again.
pip_environment = dict(os.environ)
ensurepip.bootstrap(upgrade=True)
pip_args = [arg for arg in sys.argv[1:] if arg not in BOOTSTRAP_ONLY_OPTIONS]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + pip_args, env=pip_environment))
