DROP TABLE scheduled_match_participants;
DROP TABLE scheduled_matches;
DROP TABLE championship_entry_members;
DROP TABLE championship_entries;
DROP TABLE championships;
