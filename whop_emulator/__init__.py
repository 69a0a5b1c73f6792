"""The offline Whop the demo, the tests and `gigflow whop-emulator` run against: the
API subset the worker uses, signed webhooks with their faults on request, OAuth, and
control endpoints for what happens at Whop on its own. Production never imports it."""

from whop_emulator.emulator import WhopEmulator

__all__ = ["WhopEmulator"]
