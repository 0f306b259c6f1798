"""Run the agent: python -m devices.agent --config agent.toml."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from pathlib import Path

from devices.agent.config import AgentConfigError, load_config


def main(argv: list[str] | None = None) -> int:
    """Load the config and run the agent until SIGTERM or SIGINT."""
    parser = argparse.ArgumentParser(prog="passline agent", description="Run a Passline device agent.")
    parser.add_argument("--config", type=Path, required=True, help="agent TOML file")
    args = parser.parse_args(argv)
    return run_agent(args.config)


def run_agent(config_path: Path) -> int:
    """Run the agent described by config_path; return the exit code."""
    from devices.agent.registry import UnknownHardwareType
    from devices.agent.runner import Agent
    from devices.printers.profiles import ProfileError

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        agent = Agent(load_config(config_path))
    except (AgentConfigError, UnknownHardwareType, ProfileError, ValueError) as exc:
        print(f"passline agent: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: agent.request_stop())
    signal.signal(signal.SIGINT, lambda *_: agent.request_stop())
    agent.start()
    agent.wait()
    agent.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
