using System;
using System.Globalization;
using System.Text.RegularExpressions;
using S3MlLayout.Engine.Layouts;

namespace S3MlLayout.Engine.Drift
{
    /// <summary>Checks the names of date levels under a partitioned folder, and proposes the right spelling.</summary>
    internal static class PartitionLevels
    {
        private static readonly Regex Year = new Regex(@"^(?:year=)?(\d{4})$", RegexOptions.CultureInvariant);
        private static readonly Regex Month = new Regex(@"^(?:month=)?(\d{2})$", RegexOptions.CultureInvariant);
        private static readonly Regex Day = new Regex(@"^(?:day=)?(\d{2})$", RegexOptions.CultureInvariant);
        private static readonly Regex DateLike = new Regex(@"^(?:dt=|date=)?(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})$", RegexOptions.CultureInvariant);

        /// <summary>Level 0 is the year, 1 the month, 2 the day. Null when the name is valid; otherwise why not.</summary>
        public static string? Check(int level, string name, PartitionStyle style, int year, int month)
        {
            bool hive = style == PartitionStyle.Hive;
            string prefix = level == 0 ? "year=" : level == 1 ? "month=" : "day=";
            if (hive != name.StartsWith(prefix, StringComparison.Ordinal))
                return hive ? $"'{name}' is not Hive style ({prefix}...)" : $"'{name}' is Hive style; the layout declares YYYY/MM/DD";
            // Most names are plain ASCII digits: read them without a regex (millions of objects, three levels each).
            int value = AsciiDigits(name, hive ? prefix.Length : 0, level == 0 ? 4 : 2);
            if (value < 0)
            {
                var match = (level == 0 ? Year : level == 1 ? Month : Day).Match(name);
                if (!match.Success) return $"'{name}' is not a {(level == 0 ? "four-digit year" : level == 1 ? "two-digit month" : "two-digit day")}";
                value = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            if (level == 0 && (value < 1900 || value > 2999)) return $"'{name}' is not a plausible year";
            if (level == 1 && (value < 1 || value > 12)) return $"month {value:00} does not exist";
            if (level == 2 && (value < 1 || value > DateTime.DaysInMonth(year, month))) return $"day {value:00} does not exist in {year:0000}-{month:00}";
            return null;
        }

        public static int Value(string name)
        {
            int from = name.IndexOf('=') + 1;
            int value = AsciiDigits(name, from, name.Length - from);
            return value >= 0 ? value : int.Parse(name.Substring(from), CultureInfo.InvariantCulture);
        }

        /// <summary>The number spelled by exactly <paramref name="count"/> ASCII digits from <paramref name="from"/> to the end; -1 otherwise.</summary>
        private static int AsciiDigits(string name, int from, int count)
        {
            if (count <= 0 || count > 9 || name.Length - from != count) return -1;
            int value = 0;
            for (int i = from; i < name.Length; i++)
            {
                int digit = name[i] - '0';
                if (digit < 0 || digit > 9) return -1;
                value = value * 10 + digit;
            }
            return value;
        }

        /// <summary>The right spelling of a wrongly named level, when a date can be read from it (2024-01-31 -> 2024/01/31/).</summary>
        public static string? Correct(string name, PartitionStyle style, int level)
        {
            var date = DateLike.Match(name);
            if (date.Success && DateTime.TryParseExact(date.Groups[1].Value + date.Groups[2].Value + date.Groups[3].Value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return string.Join("/", DatePartitions.Levels(day, PartitionGranularity.Daily, style)) + "/";
            var one = (level == 0 ? Year : level == 1 ? Month : Day).Match(name);
            if (one.Success)
                return (style == PartitionStyle.Hive ? (level == 0 ? "year=" : level == 1 ? "month=" : "day=") : "") + one.Groups[1].Value + "/";
            return null;
        }

        public static string Describe(PartitionStyle style, PartitionGranularity granularity) =>
            style == PartitionStyle.Hive
                ? (granularity == PartitionGranularity.Daily ? "year=YYYY/month=MM/day=DD" : "year=YYYY/month=MM")
                : (granularity == PartitionGranularity.Daily ? "YYYY/MM/DD" : "YYYY/MM");
    }
}
