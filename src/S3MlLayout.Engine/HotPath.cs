using System.Runtime.CompilerServices;

namespace S3MlLayout.Engine
{
    /// <summary>
    /// For the few methods every row of an inventory report goes through. .NET first compiles a method quickly and
    /// runs it slowly, recompiling it optimized once it has been called often enough and start-up has calmed down; a
    /// check of a report spent part of its run in that slow code. Marked, these methods are compiled optimized at their
    /// first call (bench/InventoryBench, 1,000,000 rows: 1.13 s before, 0.78 s after; 10,000,000: 4.5 s, 4.25 s).
    /// Methods that call through delegates or interfaces (the reader's loop, the page's loop) stay unmarked: their
    /// recompiled code, guided by what the first calls showed, is faster at 10,000,000 rows.
    /// The value is MethodImplOptions.AggressiveOptimization, which netstandard2.0 does not name; .NET Framework
    /// ignores it.
    /// </summary>
    internal static class HotPath
    {
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
    }
}
