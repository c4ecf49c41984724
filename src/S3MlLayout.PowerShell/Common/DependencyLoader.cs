using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace System.Runtime.CompilerServices
{
    // netstandard2.0 lacks the attribute; the C# compiler only needs it to exist. Module initialisers
    // (module .cctor) run on both .NET Framework and .NET.
    [AttributeUsage(AttributeTargets.Method, Inherited = false)]
    internal sealed class ModuleInitializerAttribute : Attribute { }
}

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// Keeps the engine and its third-party dependencies (AWSSDK, YamlDotNet) out of PowerShell's default load
    /// context, so another module that loaded other versions of them cannot break this one (or the reverse).
    /// PowerShell 7: a private AssemblyLoadContext, created through reflection because netstandard2.0 cannot name it.
    /// Windows PowerShell: LoadFrom the Dependencies folder, matching by simple name (acts as binding redirects).
    /// </summary>
    internal static class DependencyLoader
    {
        private const string EngineAssemblyName = "S3MlLayout.Engine";

        // The assemblies that must live in the private context: ours and the conflict-prone third-party ones.
        // Framework assemblies (System.*) are left to the host, which on PowerShell 7 has newer ones.
        private static readonly string[] Isolated = { EngineAssemblyName, "AWSSDK.Core", "AWSSDK.S3", "YamlDotNet" };

        private static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location) ?? ".", "Dependencies");

        private static readonly object Gate = new object();
        private static object? s_loadContext;
        private static MethodInfo? s_loadFromPath;
        private static readonly Dictionary<string, Assembly> s_loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        [System.Runtime.CompilerServices.ModuleInitializer]
        internal static void Initialize()
        {
            AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
        }

        /// <summary>True when the engine runs in its own load context (PowerShell 7).</summary>
        internal static bool IsIsolated => s_loadContext != null;

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (name == null) return null;

            // Answer only for requests that come from our own assemblies (or for the engine itself, which only
            // the cmdlet assembly references); anything else is another module's business.
            var requester = args.RequestingAssembly?.GetName().Name;
            bool ours = string.Equals(name, EngineAssemblyName, StringComparison.OrdinalIgnoreCase)
                        || (requester != null && (requester.StartsWith("S3MlLayout.", StringComparison.Ordinal) || IsLoadedByUs(args.RequestingAssembly!)));
            if (!ours) return null;

            var path = Path.Combine(DependencyDirectory, name + ".dll");
            if (!File.Exists(path)) return null;
            return Load(name, path);
        }

        private static bool IsLoadedByUs(Assembly assembly)
        {
            lock (Gate) return s_loaded.Values.Contains(assembly);
        }

        private static Assembly Load(string name, string path)
        {
            lock (Gate)
            {
                if (s_loaded.TryGetValue(name, out var done)) return done;
                Assembly assembly;
                if (TryCreateLoadContext())
                {
                    // Load the isolated set together so their references to each other bind inside the context.
                    foreach (var isolated in Isolated)
                    {
                        var isolatedPath = Path.Combine(DependencyDirectory, isolated + ".dll");
                        if (!s_loaded.ContainsKey(isolated) && File.Exists(isolatedPath))
                            s_loaded[isolated] = (Assembly)s_loadFromPath!.Invoke(s_loadContext, new object[] { isolatedPath })!;
                    }
                    assembly = s_loaded.TryGetValue(name, out var isolatedAssembly)
                        ? isolatedAssembly
                        : (Assembly)s_loadFromPath!.Invoke(s_loadContext, new object[] { path })!;
                }
                else
                {
                    assembly = Assembly.LoadFrom(path);
                }
                s_loaded[name] = assembly;
                return assembly;
            }
        }

        private static bool TryCreateLoadContext()
        {
            if (s_loadContext != null) return true;
            var contextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
                              ?? Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Private.CoreLib", throwOnError: false);
            if (contextType == null) return false; // Windows PowerShell (.NET Framework)

            var constructor = contextType.GetConstructor(new[] { typeof(string), typeof(bool) });
            if (constructor == null) return false;
            s_loadContext = constructor.Invoke(new object[] { "S3MlLayout", false });
            s_loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });

            // Whatever the host cannot supply (a dependency absent from the framework) is found in Dependencies/.
            var resolving = contextType.GetEvent("Resolving");
            var handler = typeof(DependencyLoader).GetMethod(nameof(OnContextResolving), BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving?.AddEventHandler(s_loadContext, Delegate.CreateDelegate(resolving.EventHandlerType!, handler));
            return true;
        }

        private static Assembly? OnContextResolving(object context, AssemblyName assemblyName)
        {
            var path = Path.Combine(DependencyDirectory, assemblyName.Name + ".dll");
            return File.Exists(path) ? (Assembly)s_loadFromPath!.Invoke(context, new object[] { path })! : null;
        }
    }
}
