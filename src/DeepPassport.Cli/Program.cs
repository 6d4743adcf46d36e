using DeepPassport.Cli;
using DeepPassport.Cli.Commands;

return CommandRunner.Run(args);
