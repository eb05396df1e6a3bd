/* Loader: a shared object without DriverEntry. openndis refuses it, exit 2. */
int NotADriver(void);
int NotADriver(void)
{
    return 0;
}
/* expect load-error: rogue_no_entry */
