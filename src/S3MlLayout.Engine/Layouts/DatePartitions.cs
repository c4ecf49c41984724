using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.Engine.Layouts
{
    /// <summary>The names of date levels: 2024/01/31 or year=2024/month=01/day=31.</summary>
    public static class DatePartitions
    {
        /// <summary>The most days one call expands, so a mistyped range cannot create millions of folders.</summary>
        public const int MaxDays = 3660;

        /// <summary>The level names for one date, from year down to the granularity.</summary>
        public static IReadOnlyList<string> Levels(DateTime date, PartitionGranularity granularity, PartitionStyle style)
        {
            var year = date.Year.ToString("0000", CultureInfo.InvariantCulture);
            var month = date.Month.ToString("00", CultureInfo.InvariantCulture);
            var day = date.Day.ToString("00", CultureInfo.InvariantCulture);
            bool hive = style == PartitionStyle.Hive;
            var levels = new List<string> { hive ? "year=" + year : year, hive ? "month=" + month : month };
            if (granularity == PartitionGranularity.Daily) levels.Add(hive ? "day=" + day : day);
            return levels;
        }

        /// <summary>Every day from <paramref name="from"/> to <paramref name="to"/>, both included.</summary>
        public static IReadOnlyList<DateTime> Range(DateTime from, DateTime to)
        {
            if (to.Date < from.Date)
                throw new MlLayoutException("DateRangeInvalid", ErrorKind.InvalidArgument, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}",
                    $"The range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}); swap -From and -To.");
            double days = (to.Date - from.Date).TotalDays + 1;
            if (days > MaxDays)
                throw new MlLayoutException("DateRangeTooLarge", ErrorKind.LimitsExceeded, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}",
                    $"The range spans {days:0} days; at most {MaxDays} days are expanded in one call. Split it into smaller ranges.");
            return Enumerable.Range(0, (int)days).Select(i => from.Date.AddDays(i)).ToArray();
        }

        /// <summary>The distinct calendar days of the given dates, in order; refuses more than <see cref="MaxDays"/>.</summary>
        public static IReadOnlyList<DateTime> Normalise(IEnumerable<DateTime> dates)
        {
            var days = dates.Select(d => d.Date).Distinct().OrderBy(d => d).ToArray();
            if (days.Length > MaxDays)
                throw new MlLayoutException("DateRangeTooLarge", ErrorKind.LimitsExceeded, null,
                    $"{days.Length} dates were given; at most {MaxDays} are expanded in one call.");
            return days;
        }
    }
}
