"""Where the tests find the repository and its examples (absolute paths)."""
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
