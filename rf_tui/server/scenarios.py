"""Realistic MSP problems, for the demo seed and the demo's scripted junior."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Scenario:
    summary: str
    priority: str
    notes: str
    tried: tuple[tuple[str, str], ...]  # (what was done, what happened)
    dead_ends: tuple[tuple[str, str], ...]  # (what, why it is a dead end)
    conversation: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def package(self) -> dict[str, Any]:
        return {
            "steps_attempted": [{"description": d, "result": r} for d, r in self.tried],
            "dead_ends_flagged": [{"description": d, "reason": r} for d, r in self.dead_ends],
        }

    def messages(self) -> list[dict[str, str]]:
        return [{"role": role, "content": text} for role, text in self.conversation]


#: The MSP's clients the demo's escalations come from: (client, town). Presenter
#: mode (``rf-tui demo --present``) swaps both for stand-ins.
CLIENTS: tuple[tuple[str, str], ...] = (
    ("Kestrel Logistics", "Leeds"),
    ("Harbourside Dental", "Bristol"),
    ("Pennine Building Society", "Halifax"),
    ("Calder Shaw Solicitors", "York"),
    ("Wolds Veterinary Group", "Beverley"),
    ("Aire Valley Schools Trust", "Keighley"),
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        summary="VPN drops every few minutes on three laptops since KB5034441 went out",
        priority="high",
        notes="Tried reinstalling the client on one laptop; it held for 10 min then dropped again.",
        tried=(
            ("Reinstalled the GlobalProtect client on LT-ACCT-07", "Held 10 minutes, then dropped"),
            ("Flushed DNS and renewed DHCP", "No change"),
            ("Checked the firewall's VPN logs", "Tunnel torn down from the client side"),
        ),
        dead_ends=(("Rolled back KB5034441", "Update is re-applied by Intune within the hour"),),
        conversation=(
            ("user", "VPN keeps dropping on 3 laptops after Patch Tuesday"),
            (
                "assistant",
                "All three share the January cumulative update. Let's confirm the "
                "drop is client-side: does the tunnel log show a client disconnect?",
            ),
            ("user", "Yes, client side. Reinstall didn't fix it."),
            (
                "assistant",
                "Then the network filter driver is the next suspect. I'd escalate: "
                "this needs driver-level work on the endpoints.",
            ),
        ),
    ),
    Scenario(
        summary="CFO stuck in an M365 MFA loop on her new phone; can't approve payroll",
        priority="urgent",
        notes="Payroll cut-off is 3pm. Re-registered Authenticator twice.",
        tried=(
            ("Re-registered Microsoft Authenticator", "Prompt appears, then asks again"),
            ("Cleared the phone's Outlook app data", "Same loop"),
        ),
        dead_ends=(
            ("Reset MFA methods in the admin centre", "Loop continues on every device"),
            ("Temporary access pass", "Blocked by tenant policy"),
        ),
        conversation=(
            ("user", "CFO gets MFA prompt, approves, and it asks again forever"),
            ("assistant", "Is it every app, or only Outlook on the new phone?"),
            ("user", "Every app, even the browser on her laptop now."),
        ),
    ),
    Scenario(
        summary="Warehouse user locked out of AD every morning around 8:15",
        priority="normal",
        notes="Third day running. Password was changed Monday.",
        tried=(
            ("Unlocked the account and reset the password", "Locked again next morning"),
            ("Checked the user's PC for saved credentials", "None found"),
        ),
        dead_ends=(("Disabled the lockout policy for the user", "Not allowed by the client"),),
        conversation=(
            ("user", "Same user locked out every morning at ~8:15"),
            ("assistant", "Something is retrying an old password. Any phone with company mail?"),
        ),
    ),
    Scenario(
        summary="Shared mailbox 'accounts@' full: stops receiving supplier invoices",
        priority="high",
        notes="Mailbox at 49.9 GB. Client says nothing can be deleted.",
        tried=(("Moved 2023 folders to a PST", "Size barely changed"),),
        dead_ends=(("Emptied Deleted Items", "Recoverable Items is the bulk of it"),),
        conversation=(("user", "accounts@ mailbox full, invoices bouncing"),),
    ),
    Scenario(
        summary="New firewall rule for the door-access server does nothing",
        priority="normal",
        notes="Rule is in place and committed; vendor still can't reach port 4050.",
        tried=(
            ("Added allow rule for vendor IP to 10.0.20.15:4050", "Still blocked"),
            ("Rebooted the door-access server", "No change"),
        ),
        dead_ends=(("Asked vendor to retry from another IP", "Same result"),),
    ),
    Scenario(
        summary="Print spooler on the office print server crashes several times a day",
        priority="low",
        notes="Restarting the spooler works for an hour or two. Users are annoyed, not blocked.",
        tried=(
            ("Restarted the Print Spooler service", "Works for 1-2 hours"),
            ("Cleared C:\\Windows\\System32\\spool\\PRINTERS", "Crashes again later"),
        ),
        dead_ends=(),
        conversation=(("user", "Spooler keeps crashing on PRINT01"),),
    ),
    Scenario(
        summary="Teams calls drop after 60 seconds for everyone in the main office",
        priority="high",
        notes="Started after the ISP swapped the router. Chat works fine.",
        tried=(("Tested on a hotspot", "Calls stay up on the hotspot"),),
        dead_ends=(("Reinstalled Teams on two PCs", "Both still drop at 60 s"),),
    ),
    Scenario(
        summary="Laptop BitLocker recovery prompt after BIOS update; key not in Entra",
        priority="urgent",
        notes="Sales director on the road, needs the laptop for a 2pm pitch.",
        tried=(("Checked Entra ID device for the recovery key", "No key escrowed"),),
        dead_ends=(("Checked the local AD", "Device was never on-prem joined"),),
    ),
    Scenario(
        summary="QuickBooks multi-user mode fails after the file server moved",
        priority="normal",
        notes="Database Server Manager says it's running. Hosting is on.",
        tried=(
            ("Re-scanned the company folder in Database Server Manager", "Scan succeeds"),
            ("Opened port 8019 on the server", "Still 'H202'"),
        ),
        dead_ends=(),
    ),
    Scenario(
        summary="Backups of the SQL VM fail every night with VSS error 0x800423f4",
        priority="high",
        notes="Other VMs on the host back up fine.",
        tried=(("Restarted the SQL VSS Writer service", "Next run fails again"),),
        dead_ends=(("Re-created the backup job", "Same VSS error"),),
    ),
)
