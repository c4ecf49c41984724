namespace S3MlLayout.Engine.Drift.Athena
{
    /// <summary>
    /// One SQL statement of Export-MlDriftQuery, to run in Amazon Athena as it is (one statement per query
    /// execution): the inventory table, the object findings, or the census.
    /// </summary>
    public sealed class MlDriftQuery
    {
        public MlDriftQuery(string name, string description, string sql)
        {
            Name = name; Description = description; Sql = sql;
        }

        /// <summary>inventory-table, object-findings or census; also the file name (Name.sql) -Path writes.</summary>
        public string Name { get; }
        /// <summary>What the statement does, one line.</summary>
        public string Description { get; }
        /// <summary>The statement, Athena (Trino) SQL, without a trailing semicolon.</summary>
        public string Sql { get; }
        /// <summary>The file the statement was written to, when -Path was given; else null.</summary>
        public string? Path { get; set; }

        public override string ToString() => Name;
    }
}
