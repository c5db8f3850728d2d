"""Fill Vietnamese translations into a catalogue from a small dictionary (used when strings are added).

    python scripts/fill_vi.py src/dxboard/locale/vi/LC_MESSAGES/django.po '{"English": "Tiếng Việt"}'
Entries given are set and un-fuzzied; the script lists entries still untranslated or fuzzy.
"""

import json
import sys

import polib


def main() -> int:
    po = polib.pofile(sys.argv[1])
    given = json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    for entry in po:
        if entry.msgid in given:
            if entry.msgid_plural:
                entry.msgstr_plural = {0: given[entry.msgid]}
            else:
                entry.msgstr = given[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    po.save()
    left = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    for msgid in left:
        print("untranslated:", msgid)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
