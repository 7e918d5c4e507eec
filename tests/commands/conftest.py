import pytest


@pytest.fixture
def one_line_error(capsys):
    """The message of a refused command: exit status 2, one stderr line."""

    def message(exit_, command: str) -> str:
        err = capsys.readouterr().err
        assert exit_.value.code == 2, err
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"cmcrd {command}: error: "), err
        return lines[0]

    return message
