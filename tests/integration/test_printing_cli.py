"""`passline printers` sets, lists and removes print routes in the store's database."""

from __future__ import annotations

from hub.entrypoints.cli import main


def run(capsys, monkeypatch, settings, *argv):
    monkeypatch.setenv("PASSLINE_STORE", settings.store)
    monkeypatch.setenv("PASSLINE_DATA_DIR", str(settings.data_dir))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_printers_set_list_and_remove(settings, capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, settings, "printers", "set", "kitchen_ticket", "grill",
                       "--printer", "printers-1:grill", "--backup", "printers-1:pass", "--language", "de")
    assert code == 0 and out.strip() == "kitchen_ticket for grill prints on printers-1:grill, backup printers-1:pass"
    code, out, _ = run(capsys, monkeypatch, settings, "printers", "list")
    assert "kitchen_ticket  grill        printers-1:grill" in out and "backup printers-1:pass (de)" in out
    code, _, err = run(capsys, monkeypatch, settings, "printers", "set", "menu", "grill", "--printer", "p")
    assert code == 2 and "document must be one of kitchen_ticket, receipt" in err
    assert run(capsys, monkeypatch, settings, "printers", "remove", "kitchen_ticket", "grill")[0] == 0
    code, _, err = run(capsys, monkeypatch, settings, "printers", "remove", "kitchen_ticket", "grill")
    assert code == 1 and "no route" in err
