"""A kiosk browser that trusts the store CA (docs/deployment.md) pairs and runs over HTTPS; one that does not is stopped."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from playwright.sync_api import Error, expect, sync_playwright

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.hub_process import PASSLINE, HubProcess

PORTRAIT = {"width": 1080, "height": 1920}


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory):
    """One hub with a certificate for both tests."""
    hub = HubProcess(tmp_path_factory.mktemp("tls") / "hub")
    hub.prepare()
    subprocess.run([PASSLINE, "tls", "init"], env=hub.env, check=True, capture_output=True)
    hub.start()
    yield hub
    hub.stop()


def kiosk_home(tmp_path, ca_file) -> str:
    """Return a home folder whose NSS database trusts the store CA, made the way docs/deployment.md says."""
    certutil = shutil.which("certutil")
    assert certutil, "certutil is missing: apt-get install libnss3-tools (.ci/run installs it)"
    home = tmp_path / "kiosk-home"
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run([certutil, "-d", f"sql:{nssdb}", "-A", "-t", "C,,", "-n", "Passline store CA", "-i", str(ca_file)],
                   check=True)
    return str(home)


def test_a_kiosk_that_trusts_the_store_ca_is_sent_to_https_pairs_and_goes_live(tls_hub, tmp_path):
    plain = f"http://127.0.0.1:{tls_hub.http_port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             env={**os.environ, "HOME": kiosk_home(tmp_path, tls_hub.ca_file)})
        try:
            page = browser.new_context(viewport=PORTRAIT, has_touch=True).new_page()
            page.goto(f"{plain}/kiosk/kiosk-9")  # the bookmark from before TLS
            expect(page).to_have_url(f"{tls_hub.base_url}/pair?next=/kiosk/kiosk-9")
            expect(page.get_by_role("heading")).to_have_text("Pair this screen")
            page.get_by_label("Claim code").fill(tls_hub.claim_code("kiosk-9", "kiosk"))
            page.get_by_role("button", name="Pair").click()
            expect(page).to_have_url(f"{tls_hub.base_url}/kiosk/kiosk-9")
            expect(page.locator("body")).to_have_attribute("data-ready", "1")
            expect(page.locator("body")).to_have_attribute("data-link", "live")  # its socket, over TLS, is accepted
        finally:
            browser.close()


def test_a_browser_that_does_not_trust_the_store_ca_refuses_the_hub(tls_hub, tmp_path):
    empty_home = tmp_path / "plain-home"
    empty_home.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             env={**os.environ, "HOME": str(empty_home)})
        try:
            page = browser.new_page()
            with pytest.raises(Error, match="ERR_CERT_AUTHORITY_INVALID"):
                page.goto(f"{tls_hub.base_url}/kiosk/kiosk-9")
        finally:
            browser.close()
