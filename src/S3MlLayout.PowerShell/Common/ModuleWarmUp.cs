using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// Started by Import-Module, once per process: the isolated AWSSDK half is loaded and its first request's one-time
    /// cost (type initialisation, JIT of the request pipeline) paid on a thread-pool thread, beside PowerShell's own
    /// parsing and binding, instead of in front of the first S3 request (issue 18; bench/startup.py).
    /// </summary>
    /// <remarks>
    /// It sends nothing (S3MlLayout.Engine.S3's StartupWarmUp answers its requests in memory), reads no credentials,
    /// and never reaches the session: any failure is swallowed, and the cmdlets do the same work again on first use.
    /// </remarks>
    internal static class ModuleWarmUp
    {
        private static int s_started;

        /// <summary>The warm-up of this process (null until the first import); true when it ran through. For tests.</summary>
        internal static Task<bool>? Completion { get; private set; }

        internal static void Start()
        {
            if (Interlocked.Exchange(ref s_started, 1) != 0) return;
            try
            {
                Completion = Task.Run(async () =>
                {
                    try
                    {
                        await WarmS3().ConfigureAwait(false);
                        return true;
                    }
                    catch
                    {
                        return false; // only a head start was lost
                    }
                });
            }
            catch
            {
                // no thread pool to start it on: nothing lost but the head start
            }
        }

        // Its own method, so that S3MlLayout.Engine.S3 (and AWSSDK with it) is resolved on the warm-up's thread.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Task WarmS3() => S3MlLayout.Engine.S3.StartupWarmUp.RunAsync();
    }
}
