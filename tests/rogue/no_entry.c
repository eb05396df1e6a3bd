/* Loader: a shared object without DriverEntry. openndis refuses it, exit 2. */
int NotADriver(void);
int NotADriver(void)
{
    return 0;
}
