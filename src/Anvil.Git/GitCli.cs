namespace Anvil.Git;
