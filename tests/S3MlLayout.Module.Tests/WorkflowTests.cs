using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using S3MlLayout.Module.Tests.Hosting;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace S3MlLayout.Module.Tests
{
    /// <summary>
    /// What cannot run here: the GitHub Actions workflows parse, and the tests workflow runs the Pester suite on ubuntu
    /// in pwsh and on windows in pwsh and in Windows PowerShell 5.1; the README's commands are the ones CI runs.
    /// </summary>
    public sealed class WorkflowTests
    {
        private static string Read(string relativePath) => File.ReadAllText(Path.Combine(ModuleSession.RepositoryRoot, relativePath));

        private static YamlMappingNode Load(string relativePath)
        {
            var stream = new YamlStream();
            using var reader = new StringReader(Read(relativePath));
            stream.Load(reader);
            return Assert.IsType<YamlMappingNode>(stream.Documents.Single().RootNode);
        }

        private static string? Scalar(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

        private static YamlMappingNode Mapping(YamlMappingNode node, string key) =>
            Assert.IsType<YamlMappingNode>(node.Children[new YamlScalarNode(key)]);

        private static List<YamlMappingNode> Steps(YamlMappingNode job) =>
            Assert.IsType<YamlSequenceNode>(job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>().ToList();

        /// <summary>The fenced sh block of a README section.</summary>
        private static string ReadmeCommand(string heading)
        {
            string readme = Read("README.md").Replace("\r\n", "\n");
            var match = Regex.Match(readme, "^" + Regex.Escape(heading) + "\\n\\n```sh\\n(?<command>[^\\n]+)\\n```", RegexOptions.Multiline);
            Assert.True(match.Success, $"README has no sh block right under '{heading}'.");
            return match.Groups["command"].Value;
        }

        [Theory]
        [InlineData(".github/workflows/tests.yml")]
        [InlineData("examples/github-actions-drift.yml")]
        public void Workflow_parses_and_every_job_has_a_runner_and_steps(string path)
        {
            var root = Load(path);
            Assert.False(string.IsNullOrEmpty(Scalar(root, "name")));
            var jobs = Mapping(root, "jobs");
            Assert.NotEmpty(jobs.Children);
            foreach (var job in jobs.Children.Values.Cast<YamlMappingNode>())
            {
                Assert.False(string.IsNullOrEmpty(Scalar(job, "runs-on")));
                Assert.All(Steps(job), step => Assert.True(step.Children.ContainsKey(new YamlScalarNode("uses")) || step.Children.ContainsKey(new YamlScalarNode("run"))));
            }
        }

        [Fact]
        public void Tests_workflow_runs_the_readme_test_command_on_ubuntu()
        {
            var job = Mapping(Mapping(Load(".github/workflows/tests.yml"), "jobs"), "ubuntu");
            Assert.StartsWith("ubuntu-", Scalar(job, "runs-on"));
            var steps = Steps(job);
            Assert.Contains(steps, step => Scalar(step, "run")?.Trim() == ReadmeCommand("## Tests"));
            Assert.Contains(steps, step => Scalar(step, "run")?.Contains("moto[server]") == true);
        }

        [Fact]
        public void Tests_workflow_runs_pester_on_windows_in_pwsh_and_in_windows_powershell()
        {
            var job = Mapping(Mapping(Load(".github/workflows/tests.yml"), "jobs"), "windows");
            Assert.StartsWith("windows-", Scalar(job, "runs-on"));
            var steps = Steps(job);
            var pwsh = Assert.Single(steps, step => Scalar(step, "shell") == "pwsh");
            var desktop = Assert.Single(steps, step => Scalar(step, "shell") == "powershell");
            Assert.Contains("./build.ps1 -Task Build, Pester", Scalar(pwsh, "run"));
            Assert.Contains("./build.ps1 -Task Pester", Scalar(desktop, "run"));
            // Windows PowerShell runs even when the pwsh step failed, so both results are reported.
            Assert.Equal("success() || failure()", Scalar(desktop, "if"));
            Assert.True(steps.IndexOf(pwsh) < steps.IndexOf(desktop));
            Assert.Contains(steps, step => Scalar(step, "run")?.Contains("moto[server]") == true);
        }

        [Fact]
        public void Ci_runs_exactly_the_readme_test_command()
        {
            string command = ReadmeCommand("## Tests");
            Assert.Equal("dotnet tool restore && dotnet pwsh ./build.ps1 -Task Build, Test", command);
            var lines = Read(".ci/run").Replace("\r\n", "\n").Split('\n').Where(l => l.Length > 0 && !l.StartsWith("#")).ToList();
            Assert.Equal(command, lines.Last());
            Assert.Contains(lines, l => l.Contains("moto_server is not on PATH"));
        }

        [Fact]
        public void Quickstart_command_runs_the_script_in_dotnet_pwsh()
        {
            Assert.Equal("dotnet tool restore && dotnet pwsh ./examples/quickstart.ps1", ReadmeCommand("## Quickstart (local target, no AWS account)"));
        }

        [Fact]
        public void Tool_manifest_pins_powershell_7_6_9()
        {
            var manifest = System.Text.Json.JsonDocument.Parse(Read(".config/dotnet-tools.json")).RootElement;
            var powershell = manifest.GetProperty("tools").GetProperty("powershell");
            Assert.Equal("7.6.9", powershell.GetProperty("version").GetString());
            Assert.Equal("pwsh", Assert.Single(powershell.GetProperty("commands").EnumerateArray()).GetString());
            Assert.False(powershell.GetProperty("rollForward").GetBoolean());
        }

        [Fact]
        public void Fleet_workflow_plans_on_pull_requests_applies_on_merge_and_checks_drift_nightly_sharded_by_tenant_file()
        {
            var workflow = Load("examples/github-actions-fleet.yml");
            var on = Mapping(workflow, "on");
            foreach (var trigger in new[] { "pull_request", "push", "schedule" }) Assert.True(on.Children.ContainsKey(new YamlScalarNode(trigger)), trigger);
            var jobs = Mapping(workflow, "jobs");
            foreach (var name in new[] { "plan", "apply", "drift" })
            {
                var job = Mapping(jobs, name);
                Assert.Equal("${{ fromJson(needs.shards.outputs.tenants) }}", Scalar(Mapping(Mapping(job, "strategy"), "matrix"), "tenant"));
                Assert.Contains(Steps(job), step => (Scalar(step, "run") ?? "").Contains("./examples/fleet-"));
            }
            Assert.Contains("fleet-apply.ps1", string.Join("\n", Steps(Mapping(jobs, "apply")).Select(step => Scalar(step, "run") ?? "")));
            // The nightly drift checks every object from each bucket's inventory report (issue 17).
            Assert.Contains(Steps(Mapping(jobs, "drift")), step => (Scalar(step, "run") ?? "").Contains("fleet-drift.ps1") && Scalar(step, "run")!.Contains("-Inventory"));
            Assert.Contains(Steps(Mapping(jobs, "report")), step => Scalar(step, "uses")?.StartsWith("mikepenz/action-junit-report") == true);
        }

        [Fact]
        public void Azure_fleet_pipeline_shards_plan_and_drift_over_parallel_jobs_and_publishes_JUnit()
        {
            var pipeline = Load("examples/azure-pipelines-fleet.yml");
            var stages = Assert.IsType<YamlSequenceNode>(pipeline.Children[new YamlScalarNode("stages")]).Children.Cast<YamlMappingNode>().ToList();
            Assert.Equal(new[] { "Plan", "Apply", "Drift" }, stages.Select(stage => Scalar(stage, "stage")));
            string text = Read("examples/azure-pipelines-fleet.yml");
            Assert.Contains("parallel: 4", text);
            Assert.Contains("SYSTEM_JOBPOSITIONINPHASE", text);
            Assert.Contains("testResultsFormat: JUnit", text);
            Assert.Matches(@"fleet-drift\.ps1 -Path \$mine .*-Inventory", text);
            foreach (var script in new[] { "fleet-plan.ps1", "fleet-apply.ps1", "fleet-drift.ps1" })
            {
                Assert.Contains("./examples/" + script, text);
                Assert.True(File.Exists(Path.Combine(ModuleSession.RepositoryRoot, "examples", script)), script);
            }
        }
    }
}
