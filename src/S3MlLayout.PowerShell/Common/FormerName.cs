using System.Management.Automation;
using S3MlLayout.Engine.Errors;

namespace S3MlLayout.PowerShell.Common
{
    /// <summary>
    /// -Name, the former name of -Solution on Add-MlSolution, Update-MlSolution and Add-MlDatePartition (renamed so that
    /// a piped bucket's Name cannot bind as a solution). Given directly, it still works and says what to write instead.
    /// </summary>
    internal static class FormerName
    {
        /// <summary>Once per command: the warning, or SolutionGivenTwice when -Name and -Solution are both given.</summary>
        public static void Check(PSCmdlet cmdlet, string[]? name)
        {
            if (name == null) return;
            string command = cmdlet.MyInvocation.MyCommand.Name;
            if (cmdlet.MyInvocation.BoundParameters.ContainsKey("Solution"))
                throw new MlLayoutException("SolutionGivenTwice", ErrorKind.InvalidArgument, "Name",
                    $"{command} was given both -Name and -Solution; -Name is the former name of -Solution: give -Solution only.");
            cmdlet.WriteWarning($"{command} -Name is now -Solution (a piped bucket's Name would otherwise bind as a solution); " +
                $"write '{command} -Solution {string.Join(", ", name)}' or name the solutions first: '{command} {string.Join(", ", name)}'. -Name will keep working for now.");
        }
    }
}
