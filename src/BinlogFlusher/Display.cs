using System;
using System.Globalization;

namespace BinlogFlusher.Commands
{
    /// <summary>Human-readable sizes and durations for the format views.</summary>
    public static class Display
    {
        static readonly string[] Units = { "B", "KB", "MB", "GB", "TB", "PB" };

        public static string Bytes(long bytes)
        {
            double value = bytes;
            var unit = 0;
            while (value >= 1024 && unit < Units.Length - 1)
            {
                value /= 1024;
                unit++;
            }
            return unit == 0 ? bytes.ToString(CultureInfo.InvariantCulture) + " B" : value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + Units[unit];
        }

        public static string Duration(TimeSpan duration) =>
            duration.TotalHours >= 1 ? $"{(int)duration.TotalHours}h {duration.Minutes:00}m {duration.Seconds:00}s"
            : duration.TotalMinutes >= 1 ? $"{duration.Minutes}m {duration.Seconds:00}s"
            : duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s";
    }
}
