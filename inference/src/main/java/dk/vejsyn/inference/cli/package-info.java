/**
 * The {@code vejsyn} command line (picocli). Bad input ends in one line naming the file and the
 * line or frame, and exit code 2; the service module adds {@code serve}, {@code demo} and
 * {@code detect --db}.
 */
package dk.vejsyn.inference.cli;
