#include "websockify/record/record_name.hpp"

#include <gtest/gtest.h>

namespace websockify::record
{
namespace
{

name_fields sample_fields()
{
    name_fields fields;
    fields.connection = 42;
    fields.token = "desk-7";
    fields.client = "192.0.2.9";
    fields.unix_seconds = 1795512615; // 2026-11-24T09:30:15Z
    return fields;
}

TEST(RecordName, PlainPrefixKeepsPythonsNaming)
{
    EXPECT_FALSE(is_pattern("/var/rec/session"));
    EXPECT_EQ(file_name("/var/rec/session", sample_fields()), "/var/rec/session.42");
}

TEST(RecordName, EveryPlaceholderIsReplaced)
{
    const std::string pattern = "/var/rec/{token}-{time}-{client}-{n}.js";
    ASSERT_EQ(pattern_problem(pattern), std::nullopt);
    EXPECT_EQ(file_name(pattern, sample_fields()),
              "/var/rec/desk-7-20261124T093015Z-192.0.2.9-42.js");
}

TEST(RecordName, RepeatedAndAdjacentPlaceholders)
{
    EXPECT_EQ(file_name("{n}{n}_{token}", sample_fields()), "4242_desk-7");
}

TEST(RecordName, TokenCannotLeaveTheDirectory)
{
    auto fields = sample_fields();
    fields.token = "../../etc/passwd";
    EXPECT_EQ(file_name("/rec/{token}", fields), "/rec/_._.._etc_passwd");
    fields.token = "..";
    EXPECT_EQ(file_name("/rec/{token}", fields), "/rec/_.");
    fields.token = ".hidden";
    EXPECT_EQ(file_name("/rec/{token}", fields), "/rec/_hidden");
}

TEST(RecordName, UnsafeBytesBecomeUnderscores)
{
    EXPECT_EQ(safe_name_part(std::string("a b\0c/\\\xff", 8)), "a_b_c___");
    EXPECT_EQ(safe_name_part("2001:db8::1"), "2001_db8__1");
}

TEST(RecordName, EmptyValueReadsNone)
{
    auto fields = sample_fields();
    fields.token.clear();
    EXPECT_EQ(file_name("/rec/{token}.{n}", fields), "/rec/none.42");
}

TEST(RecordName, LongValuesAreCut)
{
    EXPECT_EQ(safe_name_part(std::string(500, 't')), std::string(64, 't'));
}

TEST(RecordName, TimeIsCompactUtc)
{
    EXPECT_EQ(compact_utc_time(0), "19700101T000000Z");
    EXPECT_EQ(compact_utc_time(1795512615), "20261124T093015Z");
}

TEST(RecordName, ProblemsAreNamed)
{
    EXPECT_EQ(pattern_problem("rec"), std::nullopt);
    EXPECT_EQ(pattern_problem("/rec/{n}"), std::nullopt);
    EXPECT_EQ(pattern_problem(""), "the file name is empty");
    EXPECT_EQ(pattern_problem("/rec/"), "it names a directory, not a file");
    EXPECT_EQ(pattern_problem("rec-{user}"),
              "unknown placeholder {user} (use {n}, {token}, {client} or {time})");
    EXPECT_EQ(pattern_problem("rec-{n"), "'{' without '}'");
    EXPECT_EQ(pattern_problem("rec-}"), "'}' without '{'");
    EXPECT_EQ(pattern_problem("rec-{n}}"), "'}' without '{'");
    EXPECT_EQ(pattern_problem("rec-{{n}}"),
              "unknown placeholder {{n} (use {n}, {token}, {client} or {time})");
    EXPECT_EQ(pattern_problem("/rec/{token}/file"),
              "placeholders may only appear in the file name, not in a directory");
}

TEST(RecordName, SuffixGoesBeforeALettersExtension)
{
    EXPECT_EQ(with_suffix("/rec/desk.js", "-2"), "/rec/desk-2.js");
    EXPECT_EQ(with_suffix("/rec/session.7", ".part2"), "/rec/session.7.part2");
    EXPECT_EQ(with_suffix("/rec/plain", "-2"), "/rec/plain-2");
    EXPECT_EQ(with_suffix("/r.d/.hidden", "-2"), "/r.d/.hidden-2");
    EXPECT_EQ(with_suffix("/rec/ends.", "-2"), "/rec/ends.-2");
}

} // namespace
} // namespace websockify::record
