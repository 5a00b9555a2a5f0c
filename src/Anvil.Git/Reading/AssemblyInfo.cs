using System.Runtime.CompilerServices;

// Tests reach the pool's idle process ids to kill one, and feed the diff parser canned output.
[assembly: InternalsVisibleTo("Anvil.Git.Tests")]
