"""Unit definitions: each module registers one unit (schema, component, model, stimulus, sweep)."""

from . import mul, mac  # noqa: F401
from . import requant, shiftmul  # noqa: F401
from . import mitchw  # noqa: F401
from . import winograd  # noqa: F401
from . import bf16  # noqa: F401
from . import drum, ilm, mitchw_ec  # noqa: F401  (one folder per family, issue 16)
