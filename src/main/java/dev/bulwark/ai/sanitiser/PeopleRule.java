package dev.bulwark.ai.sanitiser;

/** The organisation's contacts: their names → NAME, their addresses → EMAIL, whole-word and case-insensitive. */
final class PeopleRule implements Rule {

    @Override
    public void scan(Scan scan) {
        KnownPeople people = scan.people;
        if (people.size() == 0) {
            return;
        }
        String text = scan.text;
        int[] starts = scan.tokenStarts();
        int count = scan.tokenStartCount();
        int skipUntil = 0;
        for (int k = 0; k < count; k++) {
            int i = starts[k];
            if (i < skipUntil || !people.mayStartWith(Chars.fold(text.charAt(i)))) {
                continue;
            }
            scan.tick();
            long match = people.longestAt(text, i);
            if (match < 0) {
                continue;
            }
            int end = (int) (match >>> 8);
            if ((match & 0xff) == KnownPeople.NAME) {
                scan.add(i, end, Kind.NAME, nameKey(text, i, end));
                skipUntil = end;
            } else if (i == 0 || !Chars.emailLocal(text.charAt(i - 1))) {
                scan.add(i, end, Kind.EMAIL, EmailRule.key(text, i, end));
                skipUntil = end;
            }
        }
    }

    /** A name in lower case with its white space runs as single spaces: the same name twice is one placeholder. */
    private static String nameKey(String text, int start, int end) {
        StringBuilder b = new StringBuilder(end - start);
        boolean space = false;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space) {
                    b.append(' ');
                    space = false;
                }
                b.append(Chars.fold(c));
            }
        }
        return b.toString();
    }
}
