using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// Import-Module and Remove-Module hooks of the module: the assembly resolver that keeps the third-party half
    /// of the engine out of PowerShell's default load context is installed on import and removed on remove.
    /// </summary>
    /// <remarks>
    /// Layout (docs/architecture.md, "Load contexts"):
    ///   bin/S3MlLayout.PowerShell.dll, bin/S3MlLayout.Engine.dll   default context: every parameter and output type
    ///   bin/Dependencies/*.dll                                      isolated: S3MlLayout.Engine.S3, S3MlLayout.Engine.Yaml,
    ///                                                              S3MlLayout.Engine.Parquet (net8.0: PowerShell 7.4+ only),
    ///                                                              Parquet.Net and its dependencies,
    ///                                                              AWSSDK.*, YamlDotNet (and, for Windows PowerShell,
    ///                                                              System.Text.Json and its support assemblies)
    /// </remarks>
    public sealed class DependencyIsolation : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        public void OnImport() => DependencyResolver.Hook();

        public void OnRemove(PSModuleInfo psModuleInfo) => DependencyResolver.Unhook();
    }

    /// <summary>
    /// PowerShell 7: a private AssemblyLoadContext (created through reflection: netstandard2.0 cannot name it) holds
    /// the isolated set, so another module's AWSSDK or YamlDotNet, of any version, cannot break this one (or the
    /// reverse). Inside it, references to the engine core bind to the default context's copy: one MlBucket type.
    /// Windows PowerShell 5.1: LoadFrom the Dependencies folder, matching by simple name (acts as binding redirects).
    /// </summary>
    internal static class DependencyResolver
    {
        private const string ContextName = "S3MlLayout";

        private static readonly string ModuleDirectory = Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? ".";
        private static readonly string DependencyDirectory = Path.Combine(ModuleDirectory, "Dependencies");

        private static readonly object Gate = new object();
        private static int s_imports;
        private static bool s_hooked;
        // Simple names of the files in bin/Dependencies (what the resolver may answer for), and of the files beside
        // the cmdlet assembly in bin/ (the default context's: never isolated, whatever else lies in Dependencies).
        private static HashSet<string>? s_dependencies;
        private static HashSet<string>? s_beside;
        private static object? s_loadContext;
        private static MethodInfo? s_loadFromPath;
        private static readonly Dictionary<string, Assembly> s_loaded = new Dictionary<string, Assembly>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Import-Module (each import, in any runspace): installs the resolver and loads the engine core.</summary>
        internal static void Hook()
        {
            lock (Gate)
            {
                s_imports++;
                if (!s_hooked)
                {
                    s_dependencies ??= Names(DependencyDirectory);
                    s_beside ??= Names(ModuleDirectory);
                    AppDomain.CurrentDomain.AssemblyResolve += OnAssemblyResolve;
                    s_hooked = true;
                }
            }
            // The core is the module's public surface: in the default context from now on, so that its types resolve
            // by name ([S3MlLayout.Engine.Storage.MlBucket], Get-Command -Syntax) before any cmdlet has run.
            LoadCore();
        }

        /// <summary>Remove-Module: the last import gone, the resolver is removed. The private context and what is loaded stay (the runtime cannot unload them).</summary>
        internal static void Unhook()
        {
            lock (Gate)
            {
                if (s_imports > 0) s_imports--;
                if (s_imports == 0 && s_hooked)
                {
                    AppDomain.CurrentDomain.AssemblyResolve -= OnAssemblyResolve;
                    s_hooked = false;
                }
            }
        }

        /// <summary>The engine core, as the cmdlets bound it: in the default context, from bin/ (set by the first import).</summary>
        private static Assembly? s_core;

        private static bool IsCore(string name) => string.Equals(name, "S3MlLayout.Engine", StringComparison.OrdinalIgnoreCase);

        private static void LoadCore() => s_core ??= typeof(S3MlLayout.Engine.Storage.MlBucket).Assembly;

        private static HashSet<string> Names(string directory) =>
            new HashSet<string>(
                Directory.Exists(directory) ? Directory.GetFiles(directory, "*.dll").Select(Path.GetFileNameWithoutExtension) : Enumerable.Empty<string>(),
                StringComparer.OrdinalIgnoreCase);

        /// <summary>What goes into the private context: everything in Dependencies but the framework's own assemblies.</summary>
        /// <remarks>
        /// System.* and Microsoft.* there are netstandard2.0 builds of what .NET itself provides (System.Text.Json,
        /// System.Memory ...), for Windows PowerShell only: on PowerShell 7 the runtime's copies serve both contexts,
        /// and a second System.Memory in a private context would mean a second Span&lt;T&gt;.
        /// </remarks>
        /// <remarks>
        /// Microsoft.IO.RecyclableMemoryStream (a Parquet.Net dependency) is a package, not part of .NET: private, like
        /// Parquet.Net itself, so another module's copy of another version never answers for it.
        /// </remarks>
        private static bool IsPrivate(string name) =>
            (IsPackageNamedLikeFramework(name) || (!name.StartsWith("System.", StringComparison.OrdinalIgnoreCase) && !name.StartsWith("Microsoft.", StringComparison.OrdinalIgnoreCase)))
            && !s_beside!.Contains(name);

        private static bool IsPackageNamedLikeFramework(string name) =>
            string.Equals(name, "Microsoft.IO.RecyclableMemoryStream", StringComparison.OrdinalIgnoreCase);

        private static Assembly? OnAssemblyResolve(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (name == null || s_dependencies == null) return null;
            // Windows PowerShell: an isolated assembly (LoadFrom bin/Dependencies) asking for the engine core gets the
            // one copy the cmdlets use. (PowerShell 7 answers this in OnContextResolving, or never asks.)
            if (IsCore(name)) return IsOurs(args.RequestingAssembly) ? s_core : null;
            if (!s_dependencies.Contains(name) || s_beside!.Contains(name)) return null;

            // Answer only for requests that come from our own assemblies, or for our two isolated engine assemblies
            // (which the core and the cmdlets reference); anything else is another module's business.
            if (!IsOurs(args.RequestingAssembly) && !name.StartsWith("S3MlLayout.", StringComparison.Ordinal)) return null;
            return Load(name);
        }

        private static bool IsOurs(Assembly? requester)
        {
            if (requester == null) return false;
            if (requester.GetName().Name?.StartsWith("S3MlLayout.", StringComparison.Ordinal) == true) return true;
            lock (Gate) return s_loaded.Values.Contains(requester);
        }

        private static Assembly Load(string name)
        {
            lock (Gate)
            {
                if (s_loaded.TryGetValue(name, out var done)) return done;
                var path = Path.Combine(DependencyDirectory, name + ".dll");
                Assembly assembly;
                if (TryCreateLoadContext() && IsPrivate(name))
                {
                    // The whole private set at once, so that their references to each other bind inside the context
                    // (its own cache comes first) and never to another module's copies in the default context.
                    foreach (var isolated in s_dependencies!.Where(IsPrivate).OrderBy(n => n, StringComparer.Ordinal))
                        if (!s_loaded.ContainsKey(isolated))
                            s_loaded[isolated] = LoadIntoContext(Path.Combine(DependencyDirectory, isolated + ".dll"));
                    assembly = s_loaded[name];
                }
                else
                {
                    assembly = Assembly.LoadFrom(path);
                }
                s_loaded[name] = assembly;
                return assembly;
            }
        }

        private static Assembly LoadIntoContext(string path) => (Assembly)s_loadFromPath!.Invoke(s_loadContext, new object[] { path })!;

        private static bool TryCreateLoadContext()
        {
            if (s_loadContext != null) return true;
            var contextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
                              ?? Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Private.CoreLib", throwOnError: false);
            if (contextType == null) return false; // Windows PowerShell (.NET Framework)

            var constructor = contextType.GetConstructor(new[] { typeof(string), typeof(bool) });
            if (constructor == null) return false;
            s_loadFromPath = contextType.GetMethod("LoadFromAssemblyPath", new[] { typeof(string) });
            var context = constructor.Invoke(new object[] { ContextName, false });

            var resolving = contextType.GetEvent("Resolving");
            var handler = typeof(DependencyResolver).GetMethod(nameof(OnContextResolving), BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving?.AddEventHandler(context, Delegate.CreateDelegate(resolving.EventHandlerType!, handler));
            s_loadContext = context;
            return true;
        }

        /// <summary>What the private context cannot find in itself or in the default context's probing.</summary>
        private static Assembly? OnContextResolving(object context, AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (name == null) return null;
            // The engine core (and the cmdlet assembly): the default context's copy, never a second one in here, so
            // that S3MlLayout.Engine.S3 and .Yaml implement the core's interfaces and fill in the core's MlBucket.
            if (IsCore(name)) return s_core;
            if (s_beside!.Contains(name)) return Assembly.LoadFrom(Path.Combine(ModuleDirectory, name + ".dll"));
            // A dependency the runtime does not supply (a netstandard2.0 support assembly): from Dependencies, in here.
            var path = Path.Combine(DependencyDirectory, name + ".dll");
            if (!File.Exists(path)) return null;
            lock (Gate)
            {
                if (!s_loaded.TryGetValue(name, out var assembly)) s_loaded[name] = assembly = LoadIntoContext(path);
                return assembly;
            }
        }
    }
}
