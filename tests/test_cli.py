"""The command line: plain messages and exit code 2 for errors raised on purpose."""

import stat

from capacity.cli import main


def test_keygen_writes_a_private_key_and_never_overwrites_it(tmp_path, capsys):
    key = tmp_path / "my.key"
    assert main(["keygen", str(key)]) == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(bytes.fromhex(key.read_text().strip())) >= 32
    before = key.read_bytes()
    assert main(["keygen", str(key)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert key.read_bytes() == before


def test_keygen_then_pseudonymise_round_trip(tmp_path):
    key = tmp_path / "k"
    main(["keygen", str(key)])
    raw = tmp_path / "raw.csv"
    raw.write_text("phone,date,city,source\n070-123 45 67,2024-01-02,Stockholm,ads_a\n")
    out = tmp_path / "out.csv"
    assert (
        main(["pseudonymise", str(raw), str(out), "--column", "phone", "--key-file", str(key)]) == 0
    )
    text = out.read_text()
    assert "070" not in text and "45 67" not in text
